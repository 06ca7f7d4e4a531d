/**
 * The parts of Trino's client REST protocol (POST /v1/statement, then GET nextUri until it is gone) that the
 * engine reads. Shapes as Trino 476 sends them; fields the engine ignores are left out.
 */

/** A type as Trino describes it: `array(row(a integer))` is rawType `array` with one TYPE argument, and so on. */
export interface TrinoTypeSignature {
  readonly rawType: string;
  readonly arguments: readonly TrinoTypeArgument[];
}

export type TrinoTypeArgument =
  | { readonly kind: "TYPE"; readonly value: TrinoTypeSignature }
  | {
      readonly kind: "NAMED_TYPE";
      readonly value: {
        readonly fieldName?: { readonly name: string } | null;
        readonly typeSignature: TrinoTypeSignature;
      };
    }
  | { readonly kind: "LONG"; readonly value: number }
  | { readonly kind: "VARIABLE"; readonly value: string };

export interface TrinoColumn {
  readonly name: string;
  readonly type: string;
  readonly typeSignature: TrinoTypeSignature;
}

export interface TrinoErrorInfo {
  readonly message: string;
  readonly errorCode?: number;
  readonly errorName?: string;
  /** USER_ERROR, INTERNAL_ERROR, INSUFFICIENT_RESOURCES or EXTERNAL. */
  readonly errorType?: string;
  readonly errorLocation?: { readonly lineNumber: number; readonly columnNumber: number };
}

/** One page of a statement's results. */
export interface QueryResults {
  readonly id: string;
  readonly nextUri?: string;
  readonly columns?: readonly TrinoColumn[];
  readonly data?: readonly (readonly unknown[])[];
  readonly error?: TrinoErrorInfo;
  /** Set for statements that are not queries (CREATE TABLE, …). */
  readonly updateType?: string;
  readonly stats?: { readonly state?: string };
}
