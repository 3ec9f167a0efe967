import { Signature, type Signer } from "ethers";
import type { ERC20Permit } from "../../types";

/** An EIP-2612 permit's signature and the deadline it was signed for. */
export interface PermitSignature {
  deadline: bigint;
  v: number;
  r: string;
  s: string;
}

/**
 * Whether the token takes EIP-2612 permits, read from its EIP-5267 `eip712Domain` and `nonces`; a token without
 * either (USDT) is approved instead. Returns the domain to sign in, or undefined.
 */
export async function permitDomain(token: ERC20Permit, owner: string) {
  try {
    const [domain] = await Promise.all([token.eip712Domain(), token.nonces(owner)]);
    return { name: domain.name, version: domain.version, chainId: domain.chainId, verifyingContract: domain.verifyingContract };
  } catch {
    return undefined;
  }
}

/** Signs an EIP-2612 permit for `spender` to take `value` of `token` from the signer until `deadline`. */
export async function signPermit(
  token: ERC20Permit,
  owner: Signer,
  spender: string,
  value: bigint,
  deadline: bigint,
  domain: NonNullable<Awaited<ReturnType<typeof permitDomain>>>,
): Promise<PermitSignature> {
  const address = await owner.getAddress();
  const nonce = await token.nonces(address);
  const signature = await owner.signTypedData(
    domain,
    {
      Permit: [
        { name: "owner", type: "address" },
        { name: "spender", type: "address" },
        { name: "value", type: "uint256" },
        { name: "nonce", type: "uint256" },
        { name: "deadline", type: "uint256" },
      ],
    },
    { owner: address, spender, value, nonce, deadline },
  );
  const { v, r, s } = Signature.from(signature);
  return { deadline, v, r, s };
}
