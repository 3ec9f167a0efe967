import { describe, it, expect, beforeAll } from "vitest";
import fc from "fast-check";
import { ethers } from "../helpers/fixtures";
import { PackedAccountHarness__factory, type PackedAccountHarness } from "../../sdk/src/types";

/**
 * PackedAccountLib against an independent model of its layout: `balance (96 bits) | paid << 96 (signed, 152 bits,
 * two's complement) | flags << 248 (8 bits)`.
 */
const BALANCE_BITS = 96n;
const PAID_BITS = 152n;
const MAX_BALANCE = (1n << BALANCE_BITS) - 1n;
const MIN_PAID = -(1n << (PAID_BITS - 1n));
const MAX_PAID = (1n << (PAID_BITS - 1n)) - 1n;
const EXCLUDED = 1n;
const HAS_ACCRUED = 2n;
const ESCROW = 4n;
const RUNS = Number(process.env.PROPERTY_RUNS ?? 200);

function modelPack(balance: bigint, paid: bigint, flags: bigint): bigint {
  return balance | (BigInt.asUintN(Number(PAID_BITS), paid) << BALANCE_BITS) | (flags << 248n);
}

function modelUnpack(word: bigint) {
  const flags = word >> 248n;
  return {
    balance: word & MAX_BALANCE,
    paid: BigInt.asIntN(Number(PAID_BITS), word >> BALANCE_BITS),
    flags,
    excluded: (flags & EXCLUDED) !== 0n,
    escrow: (flags & ESCROW) !== 0n,
    accrued: (flags & HAS_ACCRUED) !== 0n,
  };
}

const balances = fc.oneof(fc.bigInt({ min: 0n, max: MAX_BALANCE }), fc.constantFrom(0n, 1n, MAX_BALANCE - 1n, MAX_BALANCE));
const paids = fc.oneof(
  fc.bigInt({ min: MIN_PAID, max: MAX_PAID }),
  fc.bigInt({ min: -(1n << 105n), max: 1n << 105n }), // the range the share token actually uses
  fc.constantFrom(MIN_PAID, MIN_PAID + 1n, -1n, 0n, 1n, MAX_PAID - 1n, MAX_PAID),
);
const flagBytes = fc.bigInt({ min: 0n, max: 255n });

describe("PackedAccountLib", () => {
  let h: PackedAccountHarness;

  beforeAll(async () => {
    const [admin] = await ethers.getSigners();
    h = await new PackedAccountHarness__factory(admin).deploy();
  });

  async function unpack(word: bigint) {
    const [balance, paid, flags, excluded, escrow, accrued] = await h.unpack(word);
    return { balance, paid, flags, excluded, escrow, accrued };
  }

  /** Packs through the library, checks the word against the model, and unpacks it back to the inputs. */
  async function roundTrip(balance: bigint, paid: bigint, flags: bigint) {
    const word = await h.pack(balance, paid, flags);
    expect(word).toBe(modelPack(balance, paid, flags));
    expect(await unpack(word)).toEqual({
      balance, paid, flags,
      excluded: (flags & EXCLUDED) !== 0n, escrow: (flags & ESCROW) !== 0n, accrued: (flags & HAS_ACCRUED) !== 0n,
    });
  }

  it("has one bit per flag", async () => {
    expect(await h.EXCLUDED()).toBe(EXCLUDED);
    expect(await h.HAS_ACCRUED()).toBe(HAS_ACCRUED);
    expect(await h.ESCROW()).toBe(ESCROW);
  });

  it("lays the fields out as balance | paid << 96 | flags << 248", async () => {
    expect(await h.pack(0n, 0n, 0n)).toBe(0n);
    expect(await h.pack(MAX_BALANCE, 0n, 0n)).toBe(MAX_BALANCE);
    expect(await h.pack(0n, 1n, 0n)).toBe(1n << 96n);
    // -1 fills exactly the 152 bits of the paid field, nothing above or below it.
    expect(await h.pack(0n, -1n, 0n)).toBe(((1n << 152n) - 1n) << 96n);
    expect(await h.pack(0n, MIN_PAID, 0n)).toBe(1n << 247n);
    expect(await h.pack(0n, 0n, 1n)).toBe(1n << 248n);
    expect(await h.pack(0n, 0n, 255n)).toBe(((1n << 8n) - 1n) << 248n);
    expect(await h.pack(MAX_BALANCE, -1n, 255n)).toBe(ethers.MaxUint256);
  });

  it("round-trips every combination of the fields' bounds", async () => {
    for (const balance of [0n, 1n, MAX_BALANCE]) {
      for (const paid of [MIN_PAID, -1n, 0n, 1n, MAX_PAID]) {
        for (const flags of [0n, 1n, 128n, 255n]) await roundTrip(balance, paid, flags);
      }
    }
  });

  it("round-trips every flag combination without touching balance or paid", async () => {
    for (let flags = 0n; flags < 256n; flags++) {
      // Extreme neighbours on both sides: a full balance and a negative paid whose sign bits reach bit 247.
      await roundTrip(MAX_BALANCE, flags % 2n === 0n ? MIN_PAID : -1n, flags);
    }
  });

  it("reads each flag helper from its own bit", async () => {
    const word = (flags: bigint) => modelPack(123n, -456n, flags);
    expect(await unpack(word(EXCLUDED))).toMatchObject({ excluded: true, escrow: false, accrued: false });
    expect(await unpack(word(HAS_ACCRUED))).toMatchObject({ excluded: false, escrow: false, accrued: true });
    expect(await unpack(word(ESCROW))).toMatchObject({ excluded: false, escrow: true, accrued: false });
    expect(await unpack(word(EXCLUDED | ESCROW))).toMatchObject({ excluded: true, escrow: true, accrued: false });
    // Bits the library does not define do not switch any helper on.
    expect(await unpack(word(0xf8n))).toMatchObject({ flags: 0xf8n, excluded: false, escrow: false, accrued: false });
  });

  it("round-trips random balances, signed checkpoints and flags over their whole ranges", async () => {
    await fc.assert(
      fc.asyncProperty(balances, paids, flagBytes, async (balance, paid, flags) => roundTrip(balance, paid, flags)),
      { numRuns: RUNS },
    );
  });

  it("reads the right bits of any word, whoever wrote it", async () => {
    await fc.assert(
      fc.asyncProperty(fc.bigInt({ min: 0n, max: ethers.MaxUint256 }), async (word) => {
        expect(await unpack(word)).toEqual(modelUnpack(word));
      }),
      { numRuns: RUNS },
    );
  });
});
