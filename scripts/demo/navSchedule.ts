/** A NAV oracle's depreciation schedule in the shape of the SDK's maths (`depreciatedValue`). */
import type { DepreciationSchedule } from "../../sdk/src/math";
import type { NavOracle } from "../../sdk/src/types";

/** Reads `nav.schedule()`. */
export async function readSchedule(nav: NavOracle): Promise<DepreciationSchedule> {
  const s = await nav.schedule();
  return { cost: s.cost, start: s.start, usefulLife: s.usefulLife, salvageBps: s.salvageBps, maxDeviationBps: s.maxDeviationBps };
}
