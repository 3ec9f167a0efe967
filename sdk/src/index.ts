/**
 * @clustershare/sdk — the package's public exports.
 *
 * Shared file: each part of the SDK adds its own export lines here (small edits, never a rewrite).
 * `math/` is pure (the contracts' maths to the unit), `entities/` carry amounts with their decimals, `fetch/` does
 * I/O, `actions/` sends transactions. Everything is a named export so bundlers can drop what a page does not use.
 */

// The deployment file's shape (deployments/<network>.json).
export * from "./deployment";

// Pure maths: the one TypeScript statement of the contracts' maths (also at `@clustershare/sdk/math`).
export * from "./math";

// Amounts that carry their decimals: formatting and parsing without floating point.
export * from "./entities/amount";

// Typed contract handles (ethers v6 + typechain types), ABIs without bytecode.
export * from "./contracts";

// Typed errors: every contract error decoded (ClusterShareError), preflight failures (PreflightError), RPC failures (RpcError).
export * from "./errors";

// Actions: one function per user, operator and admin action, with preflight checks and decoded events.
export * from "./actions";
