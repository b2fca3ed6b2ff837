#pragma once
// The authorization block of the core, in one include:
//   auth_id_tag.hpp      id tag comparison, expiry, same_group (parentIdTag)
//   auth_cache.hpp       AuthCache, the Authorization Cache (1.6 §3.5.1)
//   local_auth_list.hpp  LocalAuthList, the Local Authorization List (1.6 §3.5.2, §5.10, §5.15)
//   authorizer.hpp       Authorizer, the chain run when an identifier is presented (1.6 §3.5),
//                        with the CsmsAuthorize and OfflineCodeVerifier plug-in points
#include "ocpp/cp/auth_cache.hpp"
#include "ocpp/cp/auth_id_tag.hpp"
#include "ocpp/cp/authorizer.hpp"
#include "ocpp/cp/local_auth_list.hpp"
