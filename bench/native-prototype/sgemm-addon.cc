// Prototype of the native route of issue #7: one tfjs kernel (BatchMatMul) computed by OpenBLAS's
// cblas_sgemm directly on tfjs-backend-wasm's heap. Node-API (C), no node-gyp: see build.sh.
// sgemm(heap: Uint8Array, aOffset, bOffset, cOffset, batch, m, n, k, transposeA, transposeB)
// computes C[b] = op(A[b]) op(B[b]) for b < batch with row-major float32 matrices at byte offsets.
#include <node_api.h>
#include <stdint.h>

extern "C" {
// OpenBLAS's CBLAS entry point (cblas.h is not installed here; the prototype declares it).
enum CBLAS_ORDER { CblasRowMajor = 101 };
enum CBLAS_TRANSPOSE { CblasNoTrans = 111, CblasTrans = 112 };
void cblas_sgemm(CBLAS_ORDER order, CBLAS_TRANSPOSE transA, CBLAS_TRANSPOSE transB, int m, int n, int k,
                 float alpha, const float* a, int lda, const float* b, int ldb, float beta, float* c, int ldc);
}

static napi_value Sgemm(napi_env env, napi_callback_info info) {
  size_t argc = 10;
  napi_value args[10];
  napi_get_cb_info(env, info, &argc, args, nullptr, nullptr);
  if (argc != 10) {
    napi_throw_type_error(env, nullptr, "sgemm: expected 10 arguments");
    return nullptr;
  }
  // The heap as a Uint8Array (HEAPU8): works for the plain build's ArrayBuffer and for the
  // threaded build's SharedArrayBuffer alike.
  void* data = nullptr;
  size_t length = 0;
  napi_typedarray_type type;
  if (napi_get_typedarray_info(env, args[0], &type, &length, &data, nullptr, nullptr) != napi_ok || type != napi_uint8_array) {
    napi_throw_type_error(env, nullptr, "sgemm: heap must be a Uint8Array over the wasm memory");
    return nullptr;
  }
  int64_t v[9];
  for (int i = 0; i < 9; ++i) napi_get_value_int64(env, args[i + 1], &v[i]);
  const int64_t batch = v[3], m = v[4], n = v[5], k = v[6];
  const bool ta = v[7] != 0, tb = v[8] != 0;
  if (v[0] < 0 || v[1] < 0 || v[2] < 0 || (uint64_t)(v[0] + 4 * batch * m * k) > length ||
      (uint64_t)(v[1] + 4 * batch * k * n) > length || (uint64_t)(v[2] + 4 * batch * m * n) > length) {
    napi_throw_range_error(env, nullptr, "sgemm: operands outside the heap");
    return nullptr;
  }
  uint8_t* heap = static_cast<uint8_t*>(data);
  for (int64_t b = 0; b < batch; ++b) {
    const float* a = reinterpret_cast<const float*>(heap + v[0]) + b * m * k;
    const float* bb = reinterpret_cast<const float*>(heap + v[1]) + b * k * n;
    float* c = reinterpret_cast<float*>(heap + v[2]) + b * m * n;
    cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, (int)m, (int)n, (int)k,
                1.0f, a, ta ? (int)m : (int)k, bb, tb ? (int)k : (int)n, 0.0f, c, (int)n);
  }
  return nullptr;
}

static napi_value Init(napi_env env, napi_value exports) {
  napi_value fn;
  napi_create_function(env, "sgemm", NAPI_AUTO_LENGTH, Sgemm, nullptr, &fn);
  napi_set_named_property(env, exports, "sgemm", fn);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
