// The public entry of @diffusion/diffusers: explicit named re-exports only (filled in by the interop work).
export {};
