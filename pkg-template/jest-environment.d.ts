// A Jest test environment (loaded by Jest by name, not imported by tests).
declare const VitrinJsdomEnvironment: new (config: unknown, context: unknown) => object;
export default VitrinJsdomEnvironment;
