#!/usr/bin/python3
# Writes the reader fixtures with NumPy and torch themselves (run: /usr/bin/python3 make-fixtures.py).
import json
import numpy as np
import torch

rng = np.random.default_rng(7)
cases = {}

def save(name, array, **kw):
    path = f'{name}.npy'
    if kw.get('version'):
        np.lib.format.write_array(open(path, 'wb'), array, version=kw['version'])
    else:
        np.save(path, array)
    cases[name] = {'shape': list(array.shape), 'values': np.ascontiguousarray(array).astype(np.float64).ravel().tolist()}

save('points-f4', rng.normal(size=(5, 2)).astype('<f4'))
save('points-f8-3d', rng.normal(size=(3, 2, 2)).astype('<f8'))
save('points-big-endian', rng.normal(size=(4, 3)).astype('>f8'))
save('points-fortran', np.asfortranarray(rng.normal(size=(4, 3)).astype('<f4')))
save('points-i2', rng.integers(-300, 300, size=(6, 2)).astype('<i2'))
save('pixels-u1', rng.integers(0, 256, size=(2, 3, 3)).astype('u1'))
save('points-1d', rng.normal(size=(7,)).astype('<f4'))
save('points-v2', rng.normal(size=(3, 2)).astype('<f4'), version=(2, 0))
save('points-f2', rng.normal(size=(3, 2)).astype('<f2'))

# Antialiased bilinear resampling as torch computes it (the PIL BILINEAR filter, in float).
image = rng.uniform(0, 255, size=(9, 13, 3)).astype(np.float32)
nchw = torch.from_numpy(image).permute(2, 0, 1)[None]
resize = {'input': {'height': 9, 'width': 13, 'channels': 3, 'data': image.ravel().tolist()}, 'outputs': []}
for height, width in [(4, 5), (9, 6), (17, 11), (3, 13)]:
    out = torch.nn.functional.interpolate(nchw, size=(height, width), mode='bilinear', align_corners=False, antialias=True)
    resize['outputs'].append({'height': height, 'width': width, 'data': out[0].permute(1, 2, 0).numpy().ravel().tolist()})

json.dump({'npy': cases, 'resize': resize}, open('expected.json', 'w'))
print('torch', torch.__version__, 'numpy', np.__version__)
