import type { RepoRef } from "../../core/index.js";
import type { AzureClient } from "./client.js";
import { collectionUrl, parseRepository, repositoryApi, repositoryWeb } from "./naming.js";

/** What each part of the adapter needs: the client and where a repository's routes are. */
export class AzureContext {
  /**
   * The last folder read for named files (repository, commit, folder → its files). The engine
   * reads the files it is about to write, then commits at the same head: the commit compares
   * against this read instead of listing the folder again. A commit's tree never changes.
   */
  #namedRead: { key: string; files: Map<string, Buffer> } | null = null;

  constructor(
    readonly client: AzureClient,
    readonly baseUrl: string | null,
  ) {}

  api(repo: RepoRef): string {
    return repositoryApi(parseRepository(repo.repository), this.baseUrl);
  }

  collection(repo: RepoRef): string {
    return collectionUrl(parseRepository(repo.repository), this.baseUrl);
  }

  keepNamedRead(repo: RepoRef, sha: string, directory: string, files: Map<string, Buffer>): void {
    this.#namedRead = { key: `${repo.repository}\n${sha}\n${directory}`, files };
  }

  /** The kept read of exactly this folder at this commit, once; null otherwise. */
  takeNamedRead(repo: RepoRef, sha: string, directory: string): Map<string, Buffer> | null {
    const kept = this.#namedRead;
    this.#namedRead = null;
    return kept !== null && kept.key === `${repo.repository}\n${sha}\n${directory}` ? kept.files : null;
  }

  web(repo: RepoRef): string {
    return repositoryWeb(parseRepository(repo.repository), this.baseUrl);
  }
}
