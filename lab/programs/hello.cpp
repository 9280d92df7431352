// C++ hello via iostream: a dynamic build needs libstdc++.so.6 and libgcc_s.so.1.
#include <iostream>
int main() { std::cout << "hello from C++" << std::endl; return 0; }
