import { fraudAlertsLakeTable } from "../alerts/fraud-alert.js";
import { dailyMetricsLakeTable } from "../analytics/daily-metrics.js";
import { liveMetricsLakeTable } from "../analytics/live-metrics.js";
import { usersLakeTable } from "../analytics/users.js";
import { eventsLakeTable } from "./columns.js";
import { deadLettersLakeTable } from "./dead-letters.js";
import { sessionsLakeTable } from "./sessions.js";

/** Every table of the lake; each gets a generated Spark schema and Athena DDL. */
export const lakeTables = [
  eventsLakeTable,
  sessionsLakeTable,
  fraudAlertsLakeTable,
  usersLakeTable,
  dailyMetricsLakeTable,
  liveMetricsLakeTable,
  deadLettersLakeTable,
] as const;
export type LakeTableName = (typeof lakeTables)[number]["name"];
