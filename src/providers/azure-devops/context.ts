import type { RepoRef } from "../../core/index.js";
import type { AzureClient } from "./client.js";
import { collectionUrl, parseRepository, repositoryApi, repositoryWeb } from "./naming.js";

/** What each part of the adapter needs: the client and where a repository's routes are. */
export class AzureContext {
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

  web(repo: RepoRef): string {
    return repositoryWeb(parseRepository(repo.repository), this.baseUrl);
  }
}
