// The floor's stages, in the order they add work (bench/tls-floor.mjs says what each does), and
// the indices the command and the floor's consumer compare a stage with.
export const STAGES = ['frame', 'deliver', 'gather', 'server', 'full', 'required'];
export const DELIVER = 1, GATHER = 2, SERVER = 3, FULL = 4, REQUIRED = 5;
