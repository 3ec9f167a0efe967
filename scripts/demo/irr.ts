/**
 * Internal rate of return of dated cash flows: the annual rate r at which Σ amount_i / (1 + r)^(years_i) = 0,
 * years counted from the first flow (365-day years, like Excel's XIRR). Amounts arrive as bigint stablecoin units
 * and are converted to numbers only here: a rate needs ratios, not exact units, and every amount in the demo is
 * far below 2^53 units, so the conversion is exact. Solved by bisection on [-99.99 %, 1,000,000 %] (NPV falls
 * monotonically in r when an investment precedes its returns), to 1e-10 relative precision.
 */
export interface CashFlow {
  /** Unix seconds. */
  timestamp: number;
  /** Stablecoin units: negative for money put in, positive for money taken out (or still held, at the end). */
  amount: bigint;
}

const YEAR = 365 * 86_400;
const LOWEST = -0.9999;
const HIGHEST = 10_000;

/** The annualised IRR (0.12 = 12 %), or null when it does not exist (no outflow, no inflow, or no sign change in range). */
export function irr(flows: CashFlow[]): number | null {
  if (!flows.some((f) => f.amount < 0n) || !flows.some((f) => f.amount > 0n)) return null;
  const start = Math.min(...flows.map((f) => f.timestamp));
  const points = flows.map((f) => ({ years: (f.timestamp - start) / YEAR, amount: Number(f.amount) }));
  const npv = (rate: number) => points.reduce((sum, p) => sum + p.amount / Math.pow(1 + rate, p.years), 0);
  let [low, high] = [LOWEST, HIGHEST];
  if (Math.sign(npv(low)) === Math.sign(npv(high))) return null;
  for (let i = 0; i < 200 && high - low > 1e-10 * Math.max(1, Math.abs(low)); i++) {
    const mid = (low + high) / 2;
    if (Math.sign(npv(mid)) === Math.sign(npv(low))) low = mid;
    else high = mid;
  }
  return (low + high) / 2;
}
