/**
 * The protocol's roles and settings from environment variables, so a deploy to a real network is configured the
 * same way in a shell, a CI job or a secrets manager, and never through a flag that lands in shell history.
 *
 *   ADMIN               protocol admin (multisig/timelock); default: the deployer
 *   GUARDIAN            may pause every cluster; default: ADMIN
 *   FEE_RECIPIENT       receives protocol fees; default: ADMIN
 *   PROTOCOL_FEE_BPS    protocol fee in basis points (at most 1000); default: 500
 *   SEQUENCER_FEED      Chainlink L2 sequencer uptime feed (L2s only); SEQUENCER_GRACE_PERIOD seconds, default 3600
 *   UNISWAP_V2_FACTORY, UNISWAP_V3_FACTORY   factories whose pools share tokens may exclude from yield
 *   STABLECOIN          the deployment's default stablecoin (recorded in deployments/<network>.json)
 *   MULTICALL3          Multicall3's address where it is not the canonical 0xcA11…CA11
 */
import { getAddress, isAddress } from "ethers";
import type { ProtocolConfig } from "../../ignition/modules/Protocol";

/** Thrown for an environment variable that holds a malformed value; names the variable. */
export class InvalidEnvironmentError extends Error {
  constructor(
    readonly variable: string,
    readonly reason: string,
  ) {
    super(`Invalid environment: ${variable} ${reason}`);
    this.name = "InvalidEnvironmentError";
  }
}

const DEFAULT_PROTOCOL_FEE_BPS = 500;
const DEFAULT_SEQUENCER_GRACE_PERIOD = 3_600;

/** What a deploy reads from the environment besides the roles: where the deployment's other contracts are. */
export interface DeployEnvironment {
  protocol: ProtocolConfig;
  stablecoin?: string;
  multicall3?: string;
}

/**
 * Reads the protocol's roles and settings for a deploy sent by `deployer`.
 * @throws InvalidEnvironmentError naming the first variable that is not an address or a number in range.
 */
export function deployEnvironment(env: NodeJS.ProcessEnv, deployer: string): DeployEnvironment {
  const address = (name: string): string | undefined => {
    const value = env[name];
    if (value === undefined || value === "") return undefined;
    if (!isAddress(value)) throw new InvalidEnvironmentError(name, `is not an address: ${value}`);
    return getAddress(value);
  };
  const integer = (name: string, fallback: number, max: number): number => {
    const value = env[name];
    if (value === undefined || value === "") return fallback;
    const n = Number(value);
    if (!Number.isSafeInteger(n) || n < 0 || n > max) throw new InvalidEnvironmentError(name, `must be an integer from 0 to ${max}: ${value}`);
    return n;
  };
  const admin = address("ADMIN") ?? getAddress(deployer);
  const sequencerFeed = address("SEQUENCER_FEED");
  return {
    protocol: {
      deployer: getAddress(deployer),
      admin,
      guardian: address("GUARDIAN") ?? admin,
      feeRecipient: address("FEE_RECIPIENT") ?? admin,
      protocolFeeBps: integer("PROTOCOL_FEE_BPS", DEFAULT_PROTOCOL_FEE_BPS, 1_000),
      sequencer: sequencerFeed
        ? { feed: sequencerFeed, gracePeriod: integer("SEQUENCER_GRACE_PERIOD", DEFAULT_SEQUENCER_GRACE_PERIOD, 2 ** 32 - 1) }
        : undefined,
      uniswapV2Factory: address("UNISWAP_V2_FACTORY"),
      uniswapV3Factory: address("UNISWAP_V3_FACTORY"),
    },
    stablecoin: address("STABLECOIN"),
    multicall3: address("MULTICALL3"),
  };
}
