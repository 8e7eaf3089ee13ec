/*  qs_chat - the assistant engine's ops (seed: AIEngineService):
      chat            {"message","conversation_id"?} -> ChatResponse, streaming
                      "intent", "step" and "token" partials
      action_confirm  {"action_id"} -> ChatResponse of the resumed workflow
      action_cancel   {"action_id"} -> ChatResponse
      recommendations {} -> RecommendationResponse
    All take the qs_wf_t as arg. */
#ifndef QS_CHAT_H
#define QS_CHAT_H

#include "qs_worker.h"

int qs_chat_op (qs_req_t *req, void *arg);
int qs_chat_confirm_op (qs_req_t *req, void *arg);
int qs_chat_cancel_op (qs_req_t *req, void *arg);
int qs_chat_recommendations_op (qs_req_t *req, void *arg);

#endif
