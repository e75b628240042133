# bench/passthrough: finalize + all outputs on 1,000 / 10,000 devices
