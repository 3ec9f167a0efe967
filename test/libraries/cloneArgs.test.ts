import { describe, it, expect, beforeAll } from "vitest";
import fc from "fast-check";
import { ethers } from "../helpers/fixtures";
import {
  CloneArgsHarness__factory, CloneArgsHarnessFactory__factory,
  type CloneArgsHarness, type CloneArgsHarnessFactory,
} from "../../sdk/src/types";

/**
 * CloneArgs reads the immutable arguments of an OpenZeppelin `Clones.cloneWithImmutableArgs` clone. The model is
 * the EIP-1167 layout itself: 45 bytes of proxy code, then the argument bytes, zeros past the end of the code.
 */
const coder = ethers.AbiCoder.defaultAbiCoder();
const PROXY_LENGTH = 45;
const HIGH_ADDRESS = "0xFFfFfFffFFfffFFfFFfFFFFFffFFFffffFfFFFfF";
const TOP_BIT_ADDRESS = "0x8000000000000000000000000000000000000001";
const RUNS = Number(process.env.PROPERTY_RUNS_CLONES ?? 50);

/** The `index`-th 32-byte word of `args`, zero-padded past their end. */
function modelWord(args: string, index: number): string {
  const bytes = ethers.getBytes(args);
  const out = new Uint8Array(32);
  out.set(bytes.slice(index * 32, index * 32 + 32));
  return ethers.hexlify(out);
}

function modelAddress(word: string): string {
  return ethers.getAddress(ethers.dataSlice(word, 12));
}

describe("CloneArgs", () => {
  let impl: CloneArgsHarness;
  let cloner: CloneArgsHarnessFactory;

  beforeAll(async () => {
    const [admin] = await ethers.getSigners();
    impl = await new CloneArgsHarness__factory(admin).deploy();
    cloner = await new CloneArgsHarnessFactory__factory(admin).deploy();
  });

  /** A clone of the harness with `args` as immutable arguments. */
  async function cloneWith(args: string): Promise<CloneArgsHarness> {
    const receipt = await (await cloner.clone(await impl.getAddress(), args)).wait();
    const log = receipt!.logs.map((l) => cloner.interface.parseLog(l)).find((l) => l?.name === "Cloned")!;
    const instance = log.args.instance as string;
    // The clone really is EIP-1167 code pointing at the harness, followed by the arguments.
    const code = await ethers.provider.getCode(instance);
    const implHex = (await impl.getAddress()).slice(2).toLowerCase();
    expect(code).toBe(`0x363d3d373d3d3d363d73${implHex}5af43d82803e903d91602b57fd5bf3${args.slice(2).toLowerCase()}`);
    expect(ethers.dataLength(code)).toBe(PROXY_LENGTH + ethers.dataLength(args));
    return CloneArgsHarness__factory.connect(instance, cloner.runner);
  }

  /** Checks every reader on every word of `args` (and one past the end) against the model. */
  async function expectReads(clone: CloneArgsHarness, args: string) {
    const words = Math.ceil(ethers.dataLength(args) / 32);
    for (let i = 0; i <= words; i++) {
      const expected = modelWord(args, i);
      expect(await clone.word(i)).toBe(expected);
      expect(await clone.uintAt(i)).toBe(BigInt(expected));
      expect(await clone.addressAt(i)).toBe(modelAddress(expected));
    }
    expect(await clone.firstTwoWords()).toEqual([modelWord(args, 0), modelWord(args, 1)]);
  }

  it("reads the share token's layout: stablecoin, accumulator scale, factory, cluster id", async () => {
    const args = coder.encode(["address", "uint256", "address", "uint256"], [HIGH_ADDRESS, 10n ** 30n, TOP_BIT_ADDRESS, 7n]);
    const clone = await cloneWith(args);
    expect(await clone.addressAt(0)).toBe(HIGH_ADDRESS);
    expect(await clone.uintAt(1)).toBe(10n ** 30n);
    expect(await clone.addressAt(2)).toBe(TOP_BIT_ADDRESS);
    expect(await clone.uintAt(3)).toBe(7n);
    expect(await clone.firstTwoWords()).toEqual([ethers.zeroPadValue(HIGH_ADDRESS, 32).toLowerCase(), ethers.toBeHex(10n ** 30n, 32)]);
    await expectReads(clone, args);
  });

  it("reads max uint, zero and addresses with high bits in the market contracts' six-word layout", async () => {
    const [a, b, c] = [HIGH_ADDRESS, TOP_BIT_ADDRESS, "0x0000000000000000000000000000000000000001"];
    const args = coder.encode(
      ["address", "address", "address", "uint256", "address", "uint256"], [a, b, c, ethers.MaxUint256, ethers.ZeroAddress, 0n],
    );
    const clone = await cloneWith(args);
    expect(await clone.addressAt(0)).toBe(a);
    expect(await clone.addressAt(1)).toBe(b);
    expect(await clone.addressAt(2)).toBe(c);
    expect(await clone.uintAt(3)).toBe(ethers.MaxUint256);
    expect(await clone.word(3)).toBe(ethers.toBeHex(ethers.MaxUint256, 32));
    expect(await clone.addressAt(4)).toBe(ethers.ZeroAddress);
    expect(await clone.uintAt(5)).toBe(0n);
    await expectReads(clone, args);
  });

  it("takes an address from the low 160 bits of a word whose high bits are set", async () => {
    const dirty = "0xdeadbeefdeadbeefdeadbeef1234567890abcdef1234567890abcdef12345678";
    const args = ethers.concat([dirty, ethers.toBeHex(ethers.MaxUint256, 32)]);
    const clone = await cloneWith(args);
    expect(await clone.addressAt(0)).toBe(ethers.getAddress("0x1234567890abcdef1234567890abcdef12345678"));
    expect(await clone.uintAt(0)).toBe(BigInt(dirty));
    expect(await clone.addressAt(1)).toBe(HIGH_ADDRESS);
    expect(await clone.firstTwoWords()).toEqual([dirty, ethers.toBeHex(ethers.MaxUint256, 32)]);
  });

  it("reads a single word, with zeros past the end of the code", async () => {
    const args = coder.encode(["uint256"], [ethers.MaxUint256]);
    const clone = await cloneWith(args);
    expect(await clone.uintAt(0)).toBe(ethers.MaxUint256);
    expect(await clone.uintAt(1)).toBe(0n);
    expect(await clone.uintAt(1000)).toBe(0n);
    expect(await clone.firstTwoWords()).toEqual([ethers.toBeHex(ethers.MaxUint256, 32), ethers.ZeroHash]);
  });

  it("reads arguments that are not a whole number of words zero-padded, and no arguments as zero", async () => {
    const packed = ethers.solidityPacked(["address", "uint8"], [HIGH_ADDRESS, 0xab]); // 21 bytes
    const clone = await cloneWith(packed);
    expect(await clone.word(0)).toBe(ethers.zeroPadBytes(packed, 32).toLowerCase());
    expect(await clone.word(1)).toBe(ethers.ZeroHash);
    await expectReads(clone, packed);

    const empty = await cloneWith("0x");
    expect(await empty.word(0)).toBe(ethers.ZeroHash);
    expect(await empty.firstTwoWords()).toEqual([ethers.ZeroHash, ethers.ZeroHash]);
  });

  it("reads its own code when called on the implementation rather than a clone", async () => {
    // Not a use the protocol makes, but it shows the reads come from address(this)'s code at offset 45.
    const code = await ethers.provider.getCode(await impl.getAddress());
    expect(await impl.word(0)).toBe(modelWord(ethers.dataSlice(code, PROXY_LENGTH), 0));
    expect(await impl.word(2)).toBe(modelWord(ethers.dataSlice(code, PROXY_LENGTH), 2));
  });

  it("reads every word of random argument layouts", async () => {
    const word = fc.oneof(
      fc.bigInt({ min: 0n, max: ethers.MaxUint256 }),
      fc.constantFrom(0n, 1n, ethers.MaxUint256, (1n << 160n) - 1n, 1n << 159n, 1n << 160n, 1n << 255n),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(word, { minLength: 1, maxLength: 8 }), async (values) => {
        const args = ethers.concat(values.map((v) => ethers.toBeHex(v, 32)));
        await expectReads(await cloneWith(args), args);
      }),
      { numRuns: RUNS },
    );
  });
});
