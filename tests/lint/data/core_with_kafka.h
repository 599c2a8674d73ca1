#pragma once
#include <librdkafka/rdkafka.h>
#include <vector>
#include "engine/partition.h"
#include "kafka/group_consumer.h"
