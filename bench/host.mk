# bench fragment: host
