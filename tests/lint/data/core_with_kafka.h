#pragma once
#include <vector>
#include <librdkafka/rdkafka.h>
#include "kafka/group_consumer.h"
#include "engine/partition.h"
