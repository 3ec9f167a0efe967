/**
 * The contracts' constants, each under the name the Solidity source gives it (contracts/libraries/Constants.sol,
 * StreamMath.sol, PackedAccount.sol, RedemptionQueue.sol, RevenueVault.sol), so a reader can grep both sides.
 */

/** Basis points in one whole (Constants.sol `BPS`): fees, reserve slices and premiums are given in them. */
export const BPS = 10_000n;

/** One whole share in base units (Constants.sol `WAD`); prices are stablecoin units per WAD shares. */
export const WAD = 10n ** 18n;

/** StreamMath `MIN_ELIGIBLE`: below one whole share of eligible supply the stream stops and its reward carries. */
export const MIN_ELIGIBLE = WAD;

/** StreamMath `RATE_SCALE`: the reward rate and the carried reward are stablecoin units times 1e12. */
export const RATE_SCALE = 10n ** 12n;

/** StreamMath `MAX_REWARD_PER_TOKEN`: the accumulator is 104 bits wide. */
export const MAX_REWARD_PER_TOKEN = (1n << 104n) - 1n;

/** StreamMath `STOPPED`: the `toFinish` value that marks a stream which cannot run at today's eligible supply. */
export const STOPPED = (1n << 88n) - 1n;

/** PackedAccountLib flag: the account earns nothing and is outside the eligible supply. */
export const ACCOUNT_EXCLUDED = 1n;
/** PackedAccountLib flag: the account has earnings kept apart in the share token's `_accrued`. */
export const ACCOUNT_HAS_ACCRUED = 2n;
/** PackedAccountLib flag: the cluster's redemption escrow. */
export const ACCOUNT_ESCROW = 4n;

/** RedemptionQueue `ASSETS_PER_UNIT_SCALE`: an era's stablecoin paid per unit is kept times 1e36. */
export const ASSETS_PER_UNIT_SCALE = 10n ** 36n;

/** RedemptionQueue `REMAINING_SCALE`: an era's pending shares per unit are kept times 2^96. */
export const REMAINING_SCALE = 1n << 96n;

/** RevenueVault `MAX_CATCH_UP_EPOCHS`: a late close attests at most this many epochs' bound at once. */
export const MAX_CATCH_UP_EPOCHS = 4n;
