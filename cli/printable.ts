/**
 * Text that came from outside (SageMaker's failure reasons, step and pipeline names, error
 * messages, the user's own --reason) is printed with its control characters escaped: an
 * escape sequence in a failure reason can neither clear the screen nor forge a line of ours.
 */
import { CONTROL_CHARACTER } from '#commons/validation.js';

const CONTROL = new RegExp(CONTROL_CHARACTER.source, 'g');

export function printable(text: string): string {
  return text.replace(CONTROL, (char) => {
    if (char === '\n') return '\\n';
    if (char === '\t') return '\\t';
    if (char === '\r') return '\\r';
    const code = char.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}
