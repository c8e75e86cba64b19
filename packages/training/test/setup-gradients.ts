// Training needs tfjs's gradient functions, which tfjs-core only registers on demand
// (`@tensorflow/tfjs` and `@tensorflow/tfjs-layers` do it on import). Tests register them here.
import '@tensorflow/tfjs-core/dist/register_all_gradients';
