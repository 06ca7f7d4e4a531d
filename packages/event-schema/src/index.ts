export * from "./collected.js";
export * from "./storage/columns.js";
export { StorageMappingError, toStorageRow } from "./storage/to-storage-row.js";
export * from "./wire/context.js";
export * from "./wire/ecommerce.js";
export * from "./wire/events.js";
