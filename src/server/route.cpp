#include "server/route.h"

#include <algorithm>

namespace facetrace {

bool Route::Allows(Role role) const {
  return std::find(roles.begin(), roles.end(), role) != roles.end();
}

std::string PathRegex(const std::string& path_template) {
  std::string regex;
  for (size_t i = 0; i < path_template.size(); ++i) {
    const char c = path_template[i];
    if (c == '{') {
      const size_t end = path_template.find('}', i);
      const std::string name = path_template.substr(i + 1, end - i - 1);
      regex += name == "path" ? "(.+)" : "(\\d+)";
      i = end;
    } else if (c == '.' || c == '+' || c == '*' || c == '?' || c == '(' || c == ')' || c == '[' ||
               c == ']' || c == '^' || c == '$' || c == '|' || c == '\\') {
      regex += '\\';
      regex += c;
    } else {
      regex += c;
    }
  }
  return regex;
}

}  // namespace facetrace
