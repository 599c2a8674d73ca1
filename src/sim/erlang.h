#pragma once
// Erlang C for an M/M/c queue, as workforce planners size a floor: offered
// load a = arrival rate x mean handle time (Erlangs), c agents.
namespace ccpulse::sim {

// Probability that an arrival has to wait; 1 when c <= a (the queue grows).
double erlang_c(int agents, double load);

// Share of arrivals answered within `within` mean handle times.
double erlang_c_service_level(int agents, double load, double within);

// The fewest agents that answer `target` of arrivals within `within` mean
// handle times with occupancy (a / c) at most `max_occupancy`; 0 for no load.
int erlang_c_agents(double load, double within, double target, double max_occupancy);

}  // namespace ccpulse::sim
