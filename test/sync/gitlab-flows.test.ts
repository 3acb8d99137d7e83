import { describeSyncFlows } from "../helpers/gitlab-bitbucket-flows.js";
import { GitLabFlowForge } from "../helpers/gitlab-flow-forge.js";

// The sync flows on GitLab: the scenarios live in the shared driver, run here against the
// GitLab adapter and its in-memory project behind strict nock.
describeSyncFlows("sync flows on GitLab (engine over nock)", () => new GitLabFlowForge());
