export * from "./alerts/fraud-alert.js";
export * from "./analytics/daily-metrics.js";
export * from "./analytics/live-metrics.js";
export * from "./analytics/users.js";
export * from "./collected.js";
export * from "./events/groups.js";
export {
  type AuthStatus,
  type Channel,
  columnValues,
  type DeviceType,
  type PaymentStatus,
  trackEventType,
} from "./events/values.js";
export * from "./privacy/card-numbers.js";
export * from "./storage/columns.js";
export * from "./storage/dead-letters.js";
export * from "./storage/dedup.js";
export * from "./storage/mapping.js";
export * from "./storage/sessions.js";
export * from "./storage/tables.js";
export {
  checkMapping,
  coerce,
  compileStorageRow,
  eventMatches,
  type MappedRow,
  MappingDefinitionError,
  PATH_ROOTS,
  pathKeys,
  StorageMappingError,
  toStorageRow,
} from "./storage/to-storage-row.js";
export * from "./wire/context.js";
export * from "./wire/ecommerce.js";
export * from "./wire/events.js";
export * from "./wire/payments.js";
