import { describe, it, expect } from "vitest";
import { deployEnvironment, InvalidEnvironmentError } from "../../scripts/deploy/env";

const DEPLOYER = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";
const SAFE = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
const GUARDIAN = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC";
const FEED = "0xBCF85224fc0756B9Fa45aA7892530B47e10b6433";

describe("the deploy's environment variables", () => {
  it("default every role to the deployer on a bare environment", () => {
    expect(deployEnvironment({}, DEPLOYER.toLowerCase())).toEqual({
      protocol: {
        deployer: DEPLOYER, admin: DEPLOYER, guardian: DEPLOYER, feeRecipient: DEPLOYER, protocolFeeBps: 500,
        sequencer: undefined, uniswapV2Factory: undefined, uniswapV3Factory: undefined,
      },
      stablecoin: undefined,
      multicall3: undefined,
    });
  });

  it("hand the roles to ADMIN and GUARDIAN, fees to ADMIN unless FEE_RECIPIENT says otherwise, and read an L2's sequencer feed", () => {
    const { protocol } = deployEnvironment(
      { ADMIN: SAFE, GUARDIAN, PROTOCOL_FEE_BPS: "250", SEQUENCER_FEED: FEED, SEQUENCER_GRACE_PERIOD: "1800" },
      DEPLOYER,
    );
    expect(protocol).toMatchObject({ deployer: DEPLOYER, admin: SAFE, guardian: GUARDIAN, feeRecipient: SAFE, protocolFeeBps: 250 });
    expect(protocol.sequencer).toEqual({ feed: FEED, gracePeriod: 1800 });
  });

  it("refuse a malformed variable by name", () => {
    const refuse = (env: NodeJS.ProcessEnv, variable: string) => {
      expect(() => deployEnvironment(env, DEPLOYER)).toThrow(InvalidEnvironmentError);
      expect(() => deployEnvironment(env, DEPLOYER)).toThrow(new RegExp(`^Invalid environment: ${variable} `));
    };
    refuse({ ADMIN: "0x1234" }, "ADMIN");
    refuse({ GUARDIAN: "guardian.eth" }, "GUARDIAN");
    refuse({ PROTOCOL_FEE_BPS: "1001" }, "PROTOCOL_FEE_BPS");
    refuse({ PROTOCOL_FEE_BPS: "5%" }, "PROTOCOL_FEE_BPS");
    refuse({ SEQUENCER_FEED: FEED, SEQUENCER_GRACE_PERIOD: "-1" }, "SEQUENCER_GRACE_PERIOD");
    refuse({ STABLECOIN: "usdc" }, "STABLECOIN");
  });
});
