/**
 * A sentence in words for every custom error the ClusterShare contracts can revert with (their own, the shared
 * `IClusterErrors`, `OracleLib`'s, and the OpenZeppelin errors they inherit or bubble up from the stablecoin).
 * Amounts are raw units as the contract reports them. A test fails when a contract's ABI declares an error that has
 * no entry here, so a new contract error cannot ship without its message.
 */

/** An error's arguments by name, as decoded from the revert data. */
export type ErrorArgs = Record<string, unknown>;

const s = (value: unknown): string => String(value);

/** The sentence for each contract error name, given the error's decoded arguments by name. */
export const ERROR_MESSAGES: Record<string, (a: ErrorArgs) => string> = {
  // Shared by every cluster contract (IClusterErrors).
  Unauthorized: (a) => `${s(a.caller)} does not hold the role this function needs`,
  ZeroAddress: () => "an address argument is the zero address",
  ZeroAmount: () => "the amount must be positive",
  InvalidParameter: (a) => `the parameter "${s(a.name)}" is outside its allowed range`,
  EnforcedPause: () => "the guardian paused the cluster: new money cannot come in until it is unpaused",
  NothingToWithdraw: () => "there is nothing to withdraw",
  NothingToSweep: () => "there is nothing to sweep: the contract holds nothing beyond its books",
  PendingReleaseUnknown: () =>
    "the revenue feed cannot be read, so the attested rent waiting in escrow (part of NAV) cannot be valued",
  NotAContract: (a) => `${s(a.account)} is not a deployed contract`,

  // ClusterFactory.
  UnknownCluster: (a) => `no cluster has id ${s(a.clusterId)}`,
  ProtocolFeeTooHigh: (a) => `a protocol fee of ${s(a.bps)} bps is above the factory's maximum`,
  UnsupportedStablecoin: (a) =>
    `the stablecoin ${s(a.stablecoin)} reports ${s(a.decimals)} decimals; it must be a contract with 6 to 18`,
  InconsistentLaunch: (a) => `the launch parameters contradict each other at "${s(a.name)}"`,
  InvalidMetrics: (a) =>
    `metrics of ${s(a.activeGpus)} active GPUs at ${s(a.utilizationBps)} bps utilisation exceed the cluster's GPUs or 100 %`,
  AccessControlUnauthorizedAccount: (a) => `${s(a.account)} lacks the role ${s(a.neededRole)}`,
  AccessControlBadConfirmation: () => "a role can only be renounced by the account that holds it, naming itself",
  FailedDeployment: () => "deploying a cluster contract clone failed",
  InsufficientBalance: (a) => `the factory holds ${s(a.balance)} wei but the clone needs ${s(a.needed)}`,
  CloneArgumentsTooLong: () => "the clone's immutable arguments are too long for an EIP-1167 clone",

  // ClusterShareToken.
  ExpectedPause: () => "the cluster is not paused",
  TransferNotAllowed: (a) =>
    `the transfer policy does not allow ${s(a.amount)} share units from ${s(a.from)} to ${s(a.to)}`,
  NothingToClaim: () => "the account has no yield to claim",
  NoDexFactory: () => "the protocol admin has not registered that Uniswap factory, so no pool address can be proven",
  InvalidPairedToken: (a) => `${s(a.token)} cannot be the other token of a pool with the share`,
  NoPolicyProposal: () => "no transfer policy change is waiting",
  PolicyDelayPending: (a) => `the proposed transfer policy can only be applied from ${s(a.executableAt)} (Unix time)`,
  NoEscrowExclusionProposal: (a) => `no exclusion of the escrow ${s(a.escrow)} from the yield is waiting`,
  EscrowExclusionExpired: (a) =>
    `the proposed exclusion of the escrow ${s(a.escrow)} was not applied by ${s(a.expiredAt)} (Unix time); propose it again`,
  ExclusionUnchanged: (a) => `${s(a.account)} is already ${a.excluded ? "excluded from" : "included in"} the yield`,
  ProtocolAccount: (a) => `${s(a.account)} is one of the cluster's own contracts, whose status cannot change`,
  SharesLocked: () => "the shares cannot move until the offering succeeds (only purchases and refunds)",
  ZeroDuration: () => "a yield stream needs a positive duration",
  RewardTooLarge: (a) => `a reward of ${s(a.amount)} would overflow the yield accumulator`,
  SupplyCapExceeded: (a) => `a supply of ${s(a.supply)} share units would exceed the largest supported (2^96 - 1)`,
  ERC20InsufficientBalance: (a) => `${s(a.sender)} holds ${s(a.balance)} but ${s(a.needed)} are needed`,
  ERC20InsufficientAllowance: (a) =>
    `the allowance given to ${s(a.spender)} is ${s(a.allowance)} but ${s(a.needed)} are needed`,
  ERC20InvalidApprover: (a) => `${s(a.approver)} cannot approve`,
  ERC20InvalidReceiver: (a) => `${s(a.receiver)} cannot receive tokens`,
  ERC20InvalidSender: (a) => `${s(a.sender)} cannot send tokens`,
  ERC20InvalidSpender: (a) => `${s(a.spender)} cannot be a spender`,
  ERC2612ExpiredSignature: (a) => `the permit expired at ${s(a.deadline)} (Unix time)`,
  ERC2612InvalidSigner: (a) => `the permit was signed by ${s(a.signer)}, not by the owner ${s(a.owner)}`,
  InvalidAccountNonce: (a) => `the nonce used is not ${s(a.account)}'s current nonce ${s(a.currentNonce)}`,
  ECDSAInvalidSignature: () => "the signature is invalid",
  ECDSAInvalidSignatureLength: (a) => `the signature has ${s(a.length)} bytes instead of 65`,
  ECDSAInvalidSignatureS: (a) => `the signature's s value ${s(a.s)} is in the upper half of the curve order`,
  SafeCastOverflowedUintDowncast: (a) => `the value ${s(a.value)} does not fit in ${s(a.bits)} bits`,
  SafeERC20FailedOperation: (a) => `a transfer of the token ${s(a.token)} failed`,
  InvalidInitialization: () => "the contract is already initialised",
  NotInitializing: () => "the function can only run during initialisation",
  ReentrancyGuardReentrantCall: () => "the contract was re-entered during a call",

  // RevenueVault and the oracle reads (OracleLib).
  ClusterNotActive: () => "the cluster's offering has not succeeded: no hardware yet, so no rent",
  EpochNotEnded: (a) => `epoch ${s(a.epoch)} runs until ${s(a.endsAt)} (Unix time)`,
  NoFeedChangePending: () => "no revenue feed change is pending",
  FeedChangeNotReady: (a) => `the proposed revenue feed can replace the current one from ${s(a.readyAt)} (Unix time)`,
  InsufficientReserve: (a) => `${s(a.requested)} was requested but the reserve holds only ${s(a.reserve)}`,
  SequencerDown: () => "the L2 sequencer is down (or its feed reports an unknown status)",
  SequencerGracePeriodNotOver: (a) =>
    `the sequencer has been up since ${s(a.upSince)}, inside its grace period of ${s(a.gracePeriod)} s`,
  StaleOracleAnswer: (a) =>
    `the feed ${s(a.feed)} last answered at ${s(a.updatedAt)}, older than its heartbeat of ${s(a.heartbeat)} s`,
  InvalidOracleTimestamp: (a) =>
    `the feed ${s(a.feed)} has no complete round, or its round is dated in the future (${s(a.updatedAt)})`,
  NonPositiveOracleAnswer: (a) => `the feed ${s(a.feed)} answered ${s(a.answer)}, which is not a valid answer`,
  OracleDecimalsChanged: (a) =>
    `the feed ${s(a.feed)} now reports ${s(a.actual)} decimals instead of the registered ${s(a.expected)}`,
  OracleCallFailed: (a) => `a call to the feed ${s(a.feed)} reverted or returned no data`,
  InvalidFeedConfig: (a) => `the feed ${s(a.feed)} needs an address, a heartbeat and at most 36 decimals`,

  // ClusterOffering.
  OfferingClosed: () => "the raise is over (its deadline passed, or it was finalised)",
  HardCapExceeded: (a) => `${s(a.assets)} does not fit under the hard cap: only ${s(a.remaining)} remain`,
  BelowMinimumPerAccount: (a) =>
    `the receiver would hold ${s(a.total)} worth of shares, below the per-account minimum of ${s(a.minimum)}`,
  AboveMaximumPerAccount: (a) =>
    `the receiver would hold ${s(a.total)} worth of shares, above the per-account maximum of ${s(a.maximum)}`,
  OfferingStillOpen: () => "the raise can be finalised only at its deadline or once the hard cap is reached",
  AlreadyFinalized: () => "the offering is already finalised",
  RefundsNotOpen: () => "refunds exist only for a failed raise",
  NothingToRefund: () => "the caller holds no shares to refund",
  IssuanceDisabled: () => "later issuance is not enabled",
  IssuanceCapExceeded: (a) => `${s(a.shares)} share units asked, but issuance may mint only ${s(a.remaining)} more`,
  FeeOnTransferNotSupported: (a) =>
    `the stablecoin took a fee on transfer: ${s(a.received)} arrived instead of ${s(a.expected)}`,

  // RedemptionQueue.
  NothingPending: (a) => `${s(a.controller)} has no pending shares in redemption request ${s(a.requestId)}`,
  RequestInProgress: (a) =>
    `${s(a.controller)}'s redemption request ${s(a.requestId)} has matured and is not filled yet: one request at a time`,
  ExceedsClaimable: (a) => `${s(a.shares)} share units asked, but only ${s(a.claimable)} are claimable`,
  SettlementNotDue: (a) =>
    `epoch ${s(a.lastSettled)} was already settled and the vault is still in epoch ${s(a.current)}: one settlement per epoch`,
  NothingToSettle: () => "no matured redemption request is pending",
  ReserveTooSmall: (a) =>
    `the reserve of ${s(a.reserve)} cannot pay even one share unit at ${s(a.pricePerShare)} per share`,
  ZeroRedemptionPrice: (a) => `NAV per share ${s(a.navPerShare)} minus the redemption fee rounds to zero`,
  ControllerNotAllowed: (a) =>
    `the transfer policy would not let the owner give shares to the controller ${s(a.controller)}`,

  // NavOracle.
  HardwareNotAcquired: () => "the hardware has not been bought yet (the offering has not succeeded): there is no NAV",
  HardwareAlreadyAcquired: () => "the hardware was already acquired",
  NoSharesOutstanding: () => "no share exists, so there is no NAV per share",
  ZeroNav: () => "everything the cluster owns is worth nothing: a zero NAV is never published",
  RoundNotFound: (a) => `no NAV round with id ${s(a.roundId)} was published`,

  // AllowlistPolicy.
  ExpiryInPast: (a) => `an allowlist entry must expire in the future, not at ${s(a.expiry)} (use 0 to remove one)`,
  FreezeUnchanged: (a) => `${s(a.account)} is already ${a.frozen ? "frozen" : "not frozen"}`,
};
