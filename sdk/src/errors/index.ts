export { ClusterShareError, PreflightError, RpcError, describeError } from "./ClusterShareError";
export { ERROR_MESSAGES, type ErrorArgs } from "./messages";
export { CLUSTER_ABIS, decodeRevertData, revertDataOf, toClusterShareError } from "./decode";
