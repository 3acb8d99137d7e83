import { describeSyncFlows } from "../helpers/gitlab-bitbucket-flows.js";
import { BitbucketFlowForge } from "../helpers/bitbucket-flow-forge.js";

// The sync flows on Bitbucket Cloud: the scenarios live in the shared driver, run here against
// the Bitbucket adapter and its in-memory repository behind strict nock.
describeSyncFlows("sync flows on Bitbucket (engine over nock)", () => new BitbucketFlowForge());
