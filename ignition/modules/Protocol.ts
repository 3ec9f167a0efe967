import { buildModule } from "@nomicfoundation/ignition-core";

/** Who holds which role in a protocol deployment, and the protocol-wide settings the admin would otherwise set. */
export interface ProtocolConfig {
  /** The account that sends every transaction; it holds the admin role only until the hand-over below. */
  deployer: string;
  /** Protocol admin (a multisig or timelock on a real network): DEFAULT_ADMIN_ROLE and, as the constructor does, guardian. */
  admin: string;
  /** May pause and unpause every cluster. */
  guardian: string;
  feeRecipient: string;
  /** Protocol fee in basis points of released rent and of successful raises (the factory caps it). */
  protocolFeeBps: number;
  /** L2 sequencer uptime feed and its grace period in seconds; absent on L1. */
  sequencer?: { feed: string; gracePeriod: number };
  /** Uniswap factories whose pools share tokens may exclude from yield; absent where there are none. */
  uniswapV2Factory?: string;
  uniswapV3Factory?: string;
}

/** Ignition's id of the protocol module: its futures are journaled as `ClusterShareProtocol#…`. */
export const PROTOCOL_MODULE_ID = "ClusterShareProtocol";

/** DEFAULT_ADMIN_ROLE of OpenZeppelin AccessControl. */
const DEFAULT_ADMIN_ROLE = "0x0000000000000000000000000000000000000000000000000000000000000000";

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/**
 * The protocol: one implementation of each cluster contract, the factory that clones them, and its roles.
 *
 * The factory is constructed with the deployer as admin so that the same run can configure it (guardian, sequencer
 * feed, Uniswap factories); when `admin` is another account the module then grants it the admin and guardian roles
 * and the deployer renounces its own, last. The hand-over is decided here, from concrete addresses, because
 * Ignition cannot branch on a module parameter; a re-run with different roles is a reconciliation error rather than
 * a silent second configuration.
 */
export function protocolModule(config: ProtocolConfig) {
  return buildModule(PROTOCOL_MODULE_ID, (m) => {
    const from = config.deployer;
    const implementations = {
      shareToken: m.contract("ClusterShareToken", [], { id: "ShareTokenImplementation", from }),
      revenueVault: m.contract("RevenueVault", [], { id: "RevenueVaultImplementation", from }),
      offering: m.contract("ClusterOffering", [], { id: "OfferingImplementation", from }),
      redemptionQueue: m.contract("RedemptionQueue", [], { id: "RedemptionQueueImplementation", from }),
      navOracle: m.contract("NavOracle", [], { id: "NavOracleImplementation", from }),
      allowlistPolicy: m.contract("AllowlistPolicy", [], { id: "AllowlistPolicyImplementation", from }),
    };
    const factory = m.contract(
      "ClusterFactory",
      [from, implementations, config.feeRecipient, config.protocolFeeBps],
      { from },
    );
    const guardianRole = m.staticCall(factory, "GUARDIAN_ROLE", [], 0, { from });

    const setup = [];
    if (config.sequencer) {
      setup.push(m.call(factory, "setSequencerUptimeFeed", [config.sequencer.feed, config.sequencer.gracePeriod], { from }));
    }
    if (config.uniswapV2Factory) setup.push(m.call(factory, "setUniswapV2Factory", [config.uniswapV2Factory], { from }));
    if (config.uniswapV3Factory) setup.push(m.call(factory, "setUniswapV3Factory", [config.uniswapV3Factory], { from }));
    // The constructor already made the deployer guardian.
    if (!same(config.guardian, from)) {
      setup.push(m.call(factory, "grantRole", [guardianRole, config.guardian], { id: "GrantGuardian", from }));
    }

    if (!same(config.admin, from)) {
      const grants = [m.call(factory, "grantRole", [DEFAULT_ADMIN_ROLE, config.admin], { id: "GrantAdmin", from, after: setup })];
      // The admin is guardian too, as the constructor makes it; GrantGuardian already did it when they are one.
      if (!same(config.admin, config.guardian)) {
        grants.push(m.call(factory, "grantRole", [guardianRole, config.admin], { id: "GrantAdminGuardian", from, after: setup }));
      }
      const renounced = same(config.guardian, from)
        ? []
        : [m.call(factory, "renounceRole", [guardianRole, from], { id: "RenounceDeployerGuardian", from, after: grants })];
      m.call(factory, "renounceRole", [DEFAULT_ADMIN_ROLE, from], {
        id: "RenounceDeployerAdmin",
        from,
        after: [...grants, ...renounced],
      });
    }
    return { factory, ...implementations };
  });
}
