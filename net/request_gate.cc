// RequestGate: frames in, commands to the shards, responses out — no I/O.
#include "net/request_gate.h"

#include <algorithm>

#include "engine/command_registry.h"
#include "net/codec.h"
#include "net/limits.h"
#include "net/messages.h"
#include "net/metrics.h"
#include "net/result_code.h"

namespace tessera::net {

using engine::cat;

namespace {

// Runs a command's after-durable step on its ok reply (ServerHooks::
// prepare_side_effect), which completes the request's slot; any other
// reply goes to the slot as is. Deletes itself.
class AfterDurableThen final : public runtime::Completion {
 public:
  AfterDurableThen(AfterDurable step, runtime::Completion* slot) : step_(std::move(step)), slot_(slot) {}
  void complete(engine::Reply&& reply) override {
    if (reply.ok()) {
      step_(std::move(reply), slot_);
    } else {
      slot_->complete(std::move(reply));
    }
    delete this;
  }

 private:
  AfterDurable step_;
  runtime::Completion* slot_;
};

}  // namespace

RequestGate::Incoming RequestGate::read(std::span<const uint8_t> payload) const {
  const wire::ClientFrame* frame = verify_client_frame(payload);
  if (frame == nullptr)
    return Refusal{wire::ErrorCode::BadFrame, "frame failed FlatBuffers verification (not a ClientFrame)"};
  switch (frame->message_type()) {
    case wire::ClientMessage::Hello:
      if (authenticated()) return Refusal{wire::ErrorCode::HelloRequired, "a connection sends exactly one Hello"};
      return frame->message_as_Hello();
    case wire::ClientMessage::Request:
      if (!authenticated()) return Refusal{wire::ErrorCode::HelloRequired, "the first frame must be a Hello"};
      return frame->message_as_Request();
    case wire::ClientMessage::Admin:
      if (!authenticated()) return Refusal{wire::ErrorCode::HelloRequired, "the first frame must be a Hello"};
      return frame->message_as_Admin();
    default:
      return Refusal{wire::ErrorCode::BadFrame,
                     cat("unknown client message type ", static_cast<int>(frame->message_type()))};
  }
}

std::optional<Refusal> RequestGate::hello(const wire::Hello& hello) {
  const uint32_t oldest = ctx_.options.limits.protocol_version_min;
  if (hello.protocol_version() < oldest || hello.protocol_version() > kProtocolVersion) {
    return Refusal{
        wire::ErrorCode::VersionMismatch,
        cat("protocol version ", hello.protocol_version(), " is not served: this server speaks versions ", oldest,
            " to ", kProtocolVersion, hello.protocol_version() < oldest ? "; upgrade the client" : "")};
  }
  const flatbuffers::String* token = hello.token();
  std::shared_ptr<const Principal> who =
      token == nullptr || token->size() > kTokenBytesMax
          ? nullptr
          : ctx_.principals.authenticate(std::string_view(token->c_str(), token->size()));
  if (!who) return Refusal{wire::ErrorCode::Unauthorized, "unknown or revoked token"};
  principal_ = std::move(who);
  protocol_version_ = hello.protocol_version();
  return std::nullopt;
}

OutFrame RequestGate::hello_reply() const {
  return hello_reply_frame(protocol_version_, principal_->role, ctx_.shards.size(), ctx_.options.limits,
                           ctx_.options.server_name, ctx_.options.time_zone, ctx_.options.language);
}

std::optional<Refusal> RequestGate::check_principal() const {
  if (!principal_->revoked.load()) return std::nullopt;
  return Refusal{wire::ErrorCode::Unauthorized,
                 cat("principal ", principal_->id, " (", principal_->name, ") was revoked")};
}

std::optional<OutFrame> RequestGate::submit(const wire::Request& request, PendingRequest& r) {
  const NetLimits& limits = ctx_.options.limits;
  const auto* commands = request.commands();
  if (commands == nullptr || commands->size() > limits.commands_per_request_max) {
    const std::string why = commands == nullptr
                                ? std::string("request has no command list")
                                : cat("request has ", commands->size(), " commands (commands_per_request_max ",
                                      limits.commands_per_request_max, ")");
    return status_frame(request.request_id(), wire::RequestStatus::Malformed, why);
  }
  r.request_id = request.request_id();
  r.started = std::chrono::steady_clock::now();
  r.replies.resize(commands->size());
  r.types.assign(commands->size(), NetMetrics::kUndecoded);
  r.slots.resize(commands->size());
  submit_commands(r, *commands);
  r.release_one();  // may finish at once
  return std::nullopt;
}

OutFrame RequestGate::response(const PendingRequest& r) const {
  return response_frame(r.request_id, r.replies, r.types, protocol_version_,
                        principal_->role == Role::kWebshop ? &ctx_.options.hold_tokens : nullptr);
}

void RequestGate::submit_commands(PendingRequest& r,
                                  const flatbuffers::Vector<flatbuffers::Offset<wire::Command>>& commands) {
  const Role role = principal_->role;
  for (uint32_t i = 0; i < commands.size(); ++i) {
    Result<engine::Command> command = decode_command(commands.Get(i));
    if (!command.is_ok()) {
      r.replies[i] = engine::refuse(kMalformed, cat("command ", i, ": ", command.status().message()));
      continue;
    }
    r.types[i] = static_cast<uint8_t>(command->body.index());
    if (!role_allows(role, command->body)) {
      r.replies[i] = engine::refuse(
          kForbidden, cat(engine::command_name(command->body), " is not allowed for role ", role_name(role)));
      continue;
    }
    if (Status token = check_hold_token(*command); !token.is_ok()) {
      r.replies[i] = engine::refuse(kForbidden, token.message());
      continue;
    }
    Result<AfterDurable> step = prepare(*command);
    if (!step.is_ok()) {
      const bool forbidden = step.status().code() == StatusCode::kPermissionDenied;
      r.replies[i] =
          engine::refuse(forbidden ? kForbidden : engine::ReplyCode::kInvalidArgument, step.status().message());
      continue;
    }
    r.slots[i].request = &r;
    r.slots[i].index = i;
    runtime::Completion* done = &r.slots[i];
    AfterDurableThen* after_durable = nullptr;
    if (*step) done = after_durable = new AfterDurableThen(std::move(*step), done);
    r.pending.fetch_add(1, std::memory_order_relaxed);
    if (!ctx_.shards.submit(std::move(*command), done)) {
      delete after_durable;
      r.pending.fetch_sub(1, std::memory_order_relaxed);  // never reaches 0 here: we still hold our own 1
      r.replies[i] = engine::refuse(engine::ReplyCode::kBusy, "shard inbox full or stopping: retry later");
    }
  }
}

// A web shop names an existing order by its id and hold token: ids are
// predictable, tokens are not. The answer is the same whether or not the
// order exists.
Status RequestGate::check_hold_token(const engine::Command& command) const {
  if (principal_->role != Role::kWebshop) return Status::ok();
  return std::visit(
      [&](const auto& c) -> Status {
        if constexpr (requires { c.order; }) {
          if (command.hold_token.empty())
            return Status::permission_denied(cat("a web shop names order ", c.order, " with its hold_token"));
          if (!ctx_.options.hold_tokens.matches(c.order, command.hold_token))
            return Status::permission_denied(cat("hold_token does not match order ", c.order));
        }
        return Status::ok();
      },
      command.body);
}

Result<AfterDurable> RequestGate::prepare(engine::Command& command) {
  command.principal = principal_->id;
  command.own_orders_only = principal_->role == Role::kWebshop;
  const Principal& who = *principal_;
  const Status channel_ok = std::visit(
      [&who](const auto& c) -> Status {
        if constexpr (requires { c.channel; }) {
          if (!who.sells_on(c.channel))
            return Status::permission_denied(cat("web shop '", who.name, "' does not sell on channel ", c.channel));
        }
        return Status::ok();
      },
      command.body);
  if (!channel_ok.is_ok()) return channel_ok;
  const engine::Effect effect = engine::command_info(command.body).effect;
  if (effect == engine::Effect::kPrincipals) return prepare_principal_command(command);
  if (effect != engine::Effect::kNoEffect && ctx_.hooks.prepare_side_effect)
    return ctx_.hooks.prepare_side_effect(command);
  return AfterDurable{};
}

// The server's part of DefinePrincipal (it generates the token, logs only
// its hash, and answers the token once) and RevokePrincipal (the directory
// forgets the token once the revocation is durable).
Result<AfterDurable> RequestGate::prepare_principal_command(engine::Command& command) {
  PrincipalDirectory& directory = ctx_.principals;
  if (auto* add = std::get_if<engine::DefinePrincipal>(&command.body)) {
    if (command.key != 0)
      return Status::invalid_argument("DefinePrincipal takes no request key: its token is shown once, to one reply");
    std::string token = PrincipalDirectory::new_token();
    add->token_hash = PrincipalDirectory::hash_token(token);
    engine::PrincipalRecord record{0, add->name, add->role, add->channels, false, 0, 0, add->token_hash};
    std::sort(record.channels.begin(), record.channels.end());
    return AfterDurable([&directory, record = std::move(record), token = std::move(token)](
                            engine::Reply&& reply, runtime::Completion* done) mutable {
      record.principal = static_cast<engine::PrincipalId>(reply.value);
      directory.put(record);
      reply.detail = std::make_shared<const engine::ReplyDetail>(
          engine::ReplyDetail{engine::IssuedToken{record.principal, std::move(token)}});
      done->complete(std::move(reply));
    });
  }
  if (const auto* revoke = std::get_if<engine::RevokePrincipal>(&command.body)) {
    const engine::PrincipalId id = revoke->principal;
    return AfterDurable([&directory, id](engine::Reply&& reply, runtime::Completion* done) {
      directory.revoke(id);
      done->complete(std::move(reply));
    });
  }
  return AfterDurable{};
}

Status load_principals(PrincipalDirectory& directory, const TokenTable& tokens,
                       const std::function<engine::Reply(engine::CommandBody)>& call) {
  engine::Reply listed = call(engine::ListPrincipals{});
  if (!listed.ok() || !listed.detail) return Status::unavailable(cat("reading the principals: ", listed.message));
  for (const engine::PrincipalRecord& p : std::get<engine::PrincipalList>(listed.detail->value).principals)
    directory.put(p);
  for (const TokenTable::Grant& g : tokens.grants()) {
    engine::DefinePrincipal seed{"", g.role, {}, PrincipalDirectory::hash_token(g.token)};
    if (directory.has_token_hash(seed.token_hash)) continue;
    seed.name = cat("config-", role_name(g.role), "-", seed.token_hash.substr(0, 8));
    engine::PrincipalRecord record{0, seed.name, seed.role, {}, false, 0, 0, seed.token_hash};
    const engine::Reply added = call(std::move(seed));
    if (!added.ok()) return Status::invalid_argument(cat("configured token for ", record.name, ": ", added.message));
    record.principal = static_cast<engine::PrincipalId>(added.value);
    directory.put(record);
  }
  return Status::ok();
}

}  // namespace tessera::net
