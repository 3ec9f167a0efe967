import { AllowlistUpdated, FreezeUpdated } from "../generated/templates/AllowlistPolicy/AllowlistPolicy";
import { currentCluster, getOrCreatePosition } from "./helpers/entities";

/** An allowlist entry set or changed (expiry zero removes it). */
export function handleAllowlistUpdated(event: AllowlistUpdated): void {
  const position = getOrCreatePosition(currentCluster(), event.params.account);
  position.allowlistExpiry = event.params.expiry;
  position.save();
}

export function handleFreezeUpdated(event: FreezeUpdated): void {
  const position = getOrCreatePosition(currentCluster(), event.params.account);
  position.frozen = event.params.frozen;
  position.save();
}
