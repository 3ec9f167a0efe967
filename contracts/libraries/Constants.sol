// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @dev The protocol's shared constants, declared once (file-level, so every contract reads them by name).

/// @dev Basis points in one whole: fees, reserve slices and premiums are given in them.
uint256 constant BPS = 10_000;

/// @dev One whole share in base units (shares have 18 decimals): prices are in stablecoin units per WAD shares.
uint256 constant WAD = 1e18;
