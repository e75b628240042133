# lib/host*: the host device-tree model
