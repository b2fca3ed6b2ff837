#pragma once
// The offline charging code (docs/offline-code.md), all of it.
#include "ocpp/offline_code/check_digit.hpp"
#include "ocpp/offline_code/clock_policy.hpp"
#include "ocpp/offline_code/code.hpp"
#include "ocpp/offline_code/fields.hpp"
#include "ocpp/offline_code/keys.hpp"
#include "ocpp/offline_code/layout.hpp"
#include "ocpp/offline_code/lockout.hpp"
#include "ocpp/offline_code/replay_window.hpp"
