package dev.flowpulse.local;
