/** C0 and C1 control characters, DEL: no platform should store one. Tab, line feed and carriage return are text. */
export const CONTROL_CHARACTER = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;
