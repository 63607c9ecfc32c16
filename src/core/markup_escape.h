// Text placed in HTML or XML (reports, SVG charts): the five characters with a meaning in
// markup become entities, so stored text can never open a tag or an attribute.
#pragma once

#include <string>
#include <string_view>

namespace facetrace {

// &, <, >, " and ' as &amp; &lt; &gt; &quot; &#39;.
std::string EscapeMarkup(std::string_view text);

}  // namespace facetrace
