import { addressBlocks, type Country } from "./catalog.js";
import { between, pick, type Random } from "./random.js";

/** A public IPv4 address that the collector's country database places in `country`. */
export function addressIn(random: Random, country: Country): string {
  return `${pick(random, addressBlocks[country])}.${between(random, 0, 255)}.${between(random, 1, 254)}`;
}
