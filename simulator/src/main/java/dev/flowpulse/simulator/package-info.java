package dev.flowpulse.simulator;
