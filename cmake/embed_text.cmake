# cmake -DIN=file -DOUT=header -DNAME=identifier -P embed_text.cmake
# Writes a header defining `inline constexpr char NAME[]` with IN's bytes, so
# a data file is compiled into the binary and works from build/ and after
# install alike. Hex bytes: no delimiter can clash with the text.
file(READ "${IN}" hex HEX)
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," body "${hex}")
string(REGEX REPLACE "(0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,)" "\\1\n" body "${body}")
file(WRITE "${OUT}.tmp" "// Generated from ${IN} by cmake/embed_text.cmake; do not edit.\n#pragma once\n#include <cstddef>\ninline constexpr char ${NAME}[] = {\n${body}0x00};\ninline constexpr std::size_t ${NAME}_size = sizeof(${NAME}) - 1;\n")
file(RENAME "${OUT}.tmp" "${OUT}")
