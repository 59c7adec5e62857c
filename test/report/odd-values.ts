/**
 * Strings and numbers that JSON text gets wrong most easily (escapes, lone surrogates, line
 * separators, -0, NaN, 1e21, ...), for the tests that compare a serializer with JSON.stringify.
 */
export const ODD_STRINGS = ['"quoted"', 'back\\slash', 'tab\there', 'nul\u0000', '\u001f', 'lone \ud800 high', 'lone \udc00 low', 'pair \ud83d\ude00', '\u2028\u2029', 'é ü 中文', '', '</script>'];
export const ODD_NUMBERS = [-0, 0, 1e21, 1.5, -1, 2 ** 53, Number.NaN, Number.POSITIVE_INFINITY];
