// tfjs-core registers gradient functions only when this module is imported (the umbrella
// `@tensorflow/tfjs` and tfjs-layers import it); training code must do the same.
import '@tensorflow/tfjs-core/dist/register_all_gradients';
