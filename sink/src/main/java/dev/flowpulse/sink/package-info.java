package dev.flowpulse.sink;
