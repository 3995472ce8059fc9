// Following a paged read (list projects, history, targets list, aggregates,
// compliance, lagging) page by page: the server bounds every page and hands
// back the token of the next one, so every such command runs the same loop.
#ifndef TECHRENO_CLIENTS_CLI_PAGING_H_
#define TECHRENO_CLIENTS_CLI_PAGING_H_

#include <grpcpp/grpcpp.h>

#include <string>
#include <utility>

#include "clients/cli/client.h"
#include "clients/cli/options.h"

namespace techreno::cli {

// What one page call gives back: how it went, and the token of the next page
// (empty after the last one).
struct PageResult {
  grpc::Status status;
  std::string next_page_token;
};

// Calls `call_page(&context, page_token)` with a fresh context (token,
// deadline) per page: first with an empty token, then with each next page
// token, until a page is the last or `want_more()` says the caller has enough.
// A failed call is reported once and ends the loop: false. Otherwise true, and
// `*unread` (when not null) is the token of the first page not read, empty
// when every page was.
template <typename CallPage, typename WantMore>
bool FollowPages(const GlobalOptions& options, CallPage call_page, WantMore want_more,
                 std::string* unread) {
  std::string page_token;
  do {
    grpc::ClientContext context;
    PrepareContext(options, kCallTimeout, &context);
    PageResult page = call_page(&context, page_token);
    if (!page.status.ok()) {
      ReportRpcError(options, page.status);
      return false;
    }
    page_token = std::move(page.next_page_token);
  } while (!page_token.empty() && want_more());
  if (unread != nullptr) *unread = std::move(page_token);
  return true;
}

// Every page.
template <typename CallPage>
bool FollowPages(const GlobalOptions& options, CallPage call_page) {
  return FollowPages(
      options, std::move(call_page), [] { return true; }, nullptr);
}

}  // namespace techreno::cli

#endif  // TECHRENO_CLIENTS_CLI_PAGING_H_
