/** UTF-8 size of a string, without encoding it when its UTF-16 length already decides `limit`. */
export function utf8BytesOver(text: string, limit: number): number | undefined {
  // Every UTF-16 unit is 1 to 3 UTF-8 bytes.
  if (text.length * 3 <= limit) return undefined;
  if (text.length > limit) return Buffer.byteLength(text);
  const bytes = Buffer.byteLength(text);
  return bytes > limit ? bytes : undefined;
}
