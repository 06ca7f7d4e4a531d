export * from "./collected.js";
export * from "./storage/columns.js";
export * from "./storage/sessions.js";
export * from "./storage/tables.js";
export { StorageMappingError, toStorageRow } from "./storage/to-storage-row.js";
export * from "./wire/context.js";
export * from "./wire/ecommerce.js";
export * from "./wire/events.js";
