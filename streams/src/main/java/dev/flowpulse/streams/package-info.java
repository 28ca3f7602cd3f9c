package dev.flowpulse.streams;
