/**
 * Reference model of a cluster's money flows, for the property-based tests.
 *
 * - `VaultModel` is the revenue vault's accounting in plain bigints: escrow, shortfall, and the split of each
 *   release (fees and reserve round down, holders get the remainder).
 * - `StreamModel` is what every account *should* have earned, exactly: during each second of a stream period the
 *   period's rate is split over the eligible supply in exact rational arithmetic (no accumulator, no rounding),
 *   and while eligible supply is below one whole share the stream pauses and its reward carries to the next
 *   period. The contract may only ever pay less than this, by at most one unit per checkpoint.
 *
 * The stream's rate is the contract's rate (the period's reward plus what carried, divided by the duration with
 * the remainder carried): that is a property of the period, not a rounding against any account.
 */

export const MIN_ELIGIBLE = 10n ** 18n;
export const RATE_SCALE = 10n ** 12n;
export const BPS = 10_000n;

/** Fixed-point precision used to locate the floor of a sum of fractions before falling back to exact maths. */
const PROBE = 10n ** 40n;

function gcd(a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

/**
 * A non-negative exact rational kept as a whole part plus one proper fraction per denominator. Sums of terms that
 * share a denominator (the common case: one eligible supply for many seconds) never grow, and a sum over different
 * denominators is only reduced to a single fraction when its floor cannot be told apart at 1e-40 precision.
 */
export class ExactAmount {
  whole = 0n;
  private readonly fractions = new Map<bigint, bigint>();

  /** Adds `numerator / denominator`. */
  add(numerator: bigint, denominator: bigint): void {
    if (numerator === 0n) return;
    this.whole += numerator / denominator;
    const remainder = numerator % denominator;
    if (remainder === 0n) return;
    let sum = (this.fractions.get(denominator) ?? 0n) + remainder;
    if (sum >= denominator) {
      this.whole += 1n;
      sum -= denominator;
    }
    if (sum === 0n) this.fractions.delete(denominator);
    else this.fractions.set(denominator, sum);
  }

  /** The floor of the value and whether the value is a whole number. */
  floor(): { floor: bigint; exact: boolean } {
    if (this.fractions.size === 0) return { floor: this.whole, exact: true };
    let low = 0n;
    for (const [denominator, numerator] of this.fractions) low += (numerator * PROBE) / denominator;
    const high = low + BigInt(this.fractions.size);
    if (low / PROBE === high / PROBE && low % PROBE !== 0n) {
      return { floor: this.whole + low / PROBE, exact: false };
    }
    let numerator = 0n;
    let denominator = 1n;
    for (const [d, n] of this.fractions) {
      numerator = numerator * d + n * denominator;
      denominator *= d;
      const g = gcd(numerator, denominator);
      numerator /= g;
      denominator /= g;
    }
    return { floor: this.whole + numerator / denominator, exact: numerator % denominator === 0n };
  }
}

/** One account as the model sees it. */
export interface ModelAccount {
  balance: bigint;
  excluded: boolean;
  /** Everything the account was ever entitled to, exactly. */
  entitled: ExactAmount;
  /** Everything it actually claimed. */
  claimed: bigint;
  /** What it had earned as a pool that can never claim, returned to the stream when it was excluded. */
  returned: bigint;
  /** Checkpoints the account went through (balance change, claim, exclusion change). */
  checkpoints: number;
}

export interface VaultParams {
  protocolFeeBps: bigint;
  operatorFeeBps: bigint;
  reserveBps: bigint;
  maxRevenuePerEpoch: bigint;
  epochLength: bigint;
}

export interface Release {
  newlyAttested: bigint;
  released: bigint;
  toHolders: bigint;
  protocolFee: bigint;
  operatorFee: bigint;
  toReserve: bigint;
}

/** RevenueVault.MAX_CATCH_UP_EPOCHS: the attestation bound grows with time since the last close up to this. */
export const MAX_CATCH_UP_EPOCHS = 4n;

/** The revenue vault's books. */
export class VaultModel {
  escrow = 0n;
  totalRentPaid = 0n;
  attestedRevenue = 0n;
  /** The revenue feed's high-water mark: new billing is what it reports above it. */
  feedHighWater = 0n;
  /** Reported billing not attested yet (above the time-scaled bound, or left by a replaced feed). */
  carriedRevenue = 0n;
  shortfall = 0n;
  distributedToHolders = 0n;
  totalFees = 0n;
  reserveFunded = 0n;
  reserve = 0n;
  protocolFeesOwed = 0n;
  operatorFeesOwed = 0n;
  currentEpoch = 1n;

  constructor(readonly params: VaultParams, public epochStart: bigint) {}

  payRent(amount: bigint): void {
    this.escrow += amount;
    this.totalRentPaid += amount;
  }

  /**
   * Closes the epoch at `now` with the feed reporting `reported`: what is above the high-water mark is new, and
   * at most `maxRevenuePerEpoch` per epoch of time since the last close is attested; the rest is carried.
   */
  close(reported: bigint, now: bigint): Release {
    const fresh = reported > this.feedHighWater ? reported - this.feedHighWater : 0n;
    if (reported > this.feedHighWater) this.feedHighWater = reported;
    const reportedDue = this.carriedRevenue + fresh;
    const elapsed = now - this.epochStart;
    const cap = MAX_CATCH_UP_EPOCHS * this.params.epochLength;
    const bound = (this.params.maxRevenuePerEpoch * (elapsed < cap ? elapsed : cap)) / this.params.epochLength;
    const newlyAttested = reportedDue < bound ? reportedDue : bound;
    this.carriedRevenue = reportedDue - newlyAttested;
    const due = newlyAttested + this.shortfall;
    const released = due < this.escrow ? due : this.escrow;
    const protocolFee = (released * this.params.protocolFeeBps) / BPS;
    const operatorFee = (released * this.params.operatorFeeBps) / BPS;
    const toReserve = (released * this.params.reserveBps) / BPS;
    const toHolders = released - protocolFee - operatorFee - toReserve;
    this.attestedRevenue += newlyAttested;
    this.shortfall = due - released;
    this.escrow -= released;
    this.protocolFeesOwed += protocolFee;
    this.operatorFeesOwed += operatorFee;
    this.totalFees += protocolFee + operatorFee;
    this.reserve += toReserve;
    this.reserveFunded += toReserve;
    this.distributedToHolders += toHolders;
    this.currentEpoch += 1n;
    this.epochStart = now;
    return { newlyAttested, released, toHolders, protocolFee, operatorFee, toReserve };
  }

  /** A revenue feed migration: the proposed baseline is the new mark, carried revenue is capped as proposed. */
  migrate(baseline: bigint, maxCarried: bigint): void {
    this.feedHighWater = baseline;
    if (this.carriedRevenue > maxCarried) this.carriedRevenue = maxCarried;
  }
}

/**
 * The yield stream. Call `advanceTo(t)` with the timestamp of every block before applying what happened in it.
 *
 * Besides the exact entitlements, it tracks what the token has *checkpointed* of its global state (`lastUpdate`,
 * `scaledUndistributed`): the token only writes its accumulator when eligible supply or the rate changes, so a
 * paused stream's reward sits "pending" until then. Invariant 1 needs that pending amount.
 */
export class StreamModel {
  readonly accounts = new Map<string, ModelAccount>();
  now: bigint;
  /** Stablecoin units per second, times RATE_SCALE. */
  scaledRate = 0n;
  periodFinish = 0n;
  /** Reward that carries to the next period (paused seconds, rate truncation), exactly, times RATE_SCALE. */
  scaledCarried = 0n;
  /** The token's last global checkpoint and its carried amount as of then. */
  lastUpdate = 0n;
  scaledUndistributed = 0n;
  /** Global checkpoints plus account checkpoints, for the dust bound of invariant 1. */
  checkpoints = 0;

  constructor(now: bigint) {
    this.now = now;
  }

  account(address: string): ModelAccount {
    let a = this.accounts.get(address);
    if (!a) {
      a = { balance: 0n, excluded: false, entitled: new ExactAmount(), claimed: 0n, returned: 0n, checkpoints: 0 };
      this.accounts.set(address, a);
    }
    return a;
  }

  get eligible(): bigint {
    let sum = 0n;
    for (const a of this.accounts.values()) if (!a.excluded) sum += a.balance;
    return sum;
  }

  /** Streams every second up to `t` exactly. */
  advanceTo(t: bigint): void {
    if (t < this.now) throw new Error(`model: time went back from ${this.now} to ${t}`);
    const end = t < this.periodFinish ? t : this.periodFinish;
    if (end > this.now && this.scaledRate > 0n) {
      const scaledReward = this.scaledRate * (end - this.now);
      const eligible = this.eligible;
      if (eligible < MIN_ELIGIBLE) {
        this.scaledCarried += scaledReward;
      } else {
        const denominator = RATE_SCALE * eligible;
        for (const a of this.accounts.values()) {
          if (!a.excluded && a.balance > 0n) a.entitled.add(a.balance * scaledReward, denominator);
        }
      }
    }
    this.now = t;
  }

  /** Reward of a paused stream that the token has not checkpointed yet (times RATE_SCALE). */
  get scaledPending(): bigint {
    const end = this.now < this.periodFinish ? this.now : this.periodFinish;
    if (end <= this.lastUpdate || this.eligible >= MIN_ELIGIBLE) return 0n;
    return this.scaledRate * (end - this.lastUpdate);
  }

  /** Reward still to stream in the running period (times RATE_SCALE). */
  get scaledRemaining(): bigint {
    return this.now < this.periodFinish ? this.scaledRate * (this.periodFinish - this.now) : 0n;
  }

  /** The token's global checkpoint, taken with the eligible supply as it was before the change. */
  private checkpointGlobal(eligibleBefore: bigint): void {
    const end = this.now < this.periodFinish ? this.now : this.periodFinish;
    if (end > this.lastUpdate) {
      if (eligibleBefore < MIN_ELIGIBLE) this.scaledUndistributed += this.scaledRate * (end - this.lastUpdate);
      this.lastUpdate = end;
    }
  }

  transfer(from: string, to: string, value: bigint): void {
    const a = this.account(from);
    const b = this.account(to);
    if (a.balance < value) throw new Error("model: transfer exceeds balance");
    const eligibleBefore = this.eligible;
    a.balance -= value;
    b.balance += value;
    a.checkpoints += 1;
    b.checkpoints += 1;
    this.checkpoints += 3;
    if (this.eligible !== eligibleBefore) this.checkpointGlobal(eligibleBefore);
  }

  /**
   * `returned`: what the token moved from a pool's earnings (the pool path of exclusion) into the carried reward,
   * in stablecoin units, as its StrandedYieldReturned event says; zero when the account keeps its earnings.
   */
  setExcluded(address: string, excluded: boolean, returned = 0n): void {
    this.checkpointGlobal(this.eligible);
    const a = this.account(address);
    a.excluded = excluded;
    a.returned += returned;
    this.scaledUndistributed += returned * RATE_SCALE;
    this.scaledCarried += returned * RATE_SCALE;
    a.checkpoints += 1;
    this.checkpoints += 2;
  }

  claim(address: string, amount: bigint): void {
    const a = this.account(address);
    a.claimed += amount;
    a.checkpoints += 1;
    this.checkpoints += 2;
  }

  /** `amount` stablecoin units donated to the token and swept: carried into the next period as they are. */
  sweep(amount: bigint): void {
    this.scaledUndistributed += amount * RATE_SCALE;
    this.scaledCarried += amount * RATE_SCALE;
  }

  /** The vault starts a new period with `amount` fresh reward over `duration` seconds. */
  notify(amount: bigint, duration: bigint): void {
    this.checkpointGlobal(this.eligible);
    this.checkpoints += 1;
    const scaledTotal = amount * RATE_SCALE + this.scaledUndistributed + this.scaledRemaining;
    if (this.scaledCarried !== this.scaledUndistributed) {
      throw new Error(`model: carried ${this.scaledCarried} != checkpointed ${this.scaledUndistributed}`);
    }
    this.scaledRate = scaledTotal / duration;
    this.scaledUndistributed = scaledTotal - this.scaledRate * duration;
    this.scaledCarried = this.scaledUndistributed;
    this.lastUpdate = this.now;
    this.periodFinish = this.now + duration;
  }
}
