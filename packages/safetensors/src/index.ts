export { decodeSafetensors } from './safetensors-decode';
export type { SafetensorsFile, SafetensorsTensor } from './safetensors-decode';
export { encodeSafetensors } from './safetensors-encode';
export type { SafetensorsEntry } from './safetensors-encode';
export { float32Values, tensorValues } from './safetensors-values';
export type { SafetensorsValues } from './safetensors-values';
export { floatingDtypes, isSafetensorsDtype, safetensorsDtypeSizes } from './safetensors-dtypes';
export type { SafetensorsDtype } from './safetensors-dtypes';
export { bfloat16ToNumber, float16ToNumber, float8E4m3ToNumber, float8E5m2ToNumber, numberToBfloat16, numberToFloat16, numberToFloat8E4m3, numberToFloat8E5m2 } from './float-formats';
